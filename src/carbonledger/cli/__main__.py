from carbonledger.cli import main

main()
