"""The rdsplatform component package's plugin entry: serves DatabasePlatform over gRPC."""

import sys
from pathlib import Path

# The plugin runs from this folder; the component lives beside it in the same repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from provider.package import serve  # noqa: E402

if __name__ == "__main__":
    serve()
