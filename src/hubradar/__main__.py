from hubradar.cli import main

main()
