"""Scale-out of corpus ingest: the per-article work on Dask workers, one writer.

`newsweave.scale.dask` needs the `dask` extra (`pip install 'newsweave[dask]'`);
importing this package does not.
"""

from __future__ import annotations
