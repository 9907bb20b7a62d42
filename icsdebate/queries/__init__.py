"""What each page reads, in a fixed number of queries whatever the size of the debate: cards, paging, debates,
points, catalogue, chronology and maps."""
