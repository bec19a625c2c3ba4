from hubradar.cli.main import main

main()
