"""Command-line messages say what happened."""

from icsdebate import create_app

from .conftest import PASSWORD


def test_init_db_says_whether_it_created_upgraded_or_left_the_schema(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}", "SECRET_KEY": "x"})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and first.output.startswith("Created the database schema"), first.output
    again = runner.invoke(args=["init-db"])
    assert "already up to date" in again.output and "nothing changed" in again.output
    app.extensions["engine"].dispose()


def test_create_user_reads_the_password_from_a_pipe(app, runner):
    piped = runner.invoke(args=["create-user", "Piped Admin", "--role", "admin"], input=PASSWORD + "\n")
    assert piped.exit_code == 0 and "Created admin Piped Admin." in piped.output, (piped.output, piped.exception)
    nothing = runner.invoke(args=["create-user", "Nobody"], input="")
    assert nothing.exit_code == 1 and "No password given" in nothing.output and "Aborted" not in nothing.output


def test_gen_debate_refuses_a_slug_that_cannot_be_an_address(runner):
    result = runner.invoke(args=["gen-debate", "--nodes", "3", "--slug", "Bad Slug!"])
    assert result.exit_code == 2 and "not a usable address" in result.output
