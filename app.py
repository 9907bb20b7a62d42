from icsdebate import create_app

app = create_app()
