from newsweave.cli import main

# guarded: Dask's worker processes re-import the main module when they start
if __name__ == "__main__":
    main()
