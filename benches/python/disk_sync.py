"""What one durable commit costs this machine's disk, without SQLite: write N pages of 4 KiB
to a file in a row, then fdatasync it, 200 times for each N; prints the time a sync took and a
page's share. Used in docs/BENCHMARKS.md section 6 to explain the durable adds' limit.

Run: python3 benches/python/disk_sync.py [DIR]  (DIR defaults to the system's temp folder, which
should be on the disk the server's database uses).
"""

import os
import sys
import tempfile
import time

PAGE = b"x" * 4096
FILE_BYTES = 40 << 20
ROUNDS = 200


def main() -> None:
    folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir()
    with tempfile.NamedTemporaryFile(dir=folder) as f:
        fd = f.fileno()
        # Allocated and synced first, as a write-ahead log is after its first pass.
        os.pwrite(fd, b"\0" * FILE_BYTES, 0)
        os.fsync(fd)
        offset = 0
        for pages in (1, 4, 16, 32, 64, 256):
            started = time.perf_counter()
            for _ in range(ROUNDS):
                for _ in range(pages):
                    os.pwrite(fd, PAGE, offset)
                    offset = (offset + len(PAGE)) % FILE_BYTES
                os.fdatasync(fd)
            took = (time.perf_counter() - started) / ROUNDS
            print(
                f"{pages:4d} pages: {took * 1e6:8.1f} us a sync, "
                f"{took * 1e6 / pages:6.1f} us a page, {pages * 4096 / took / 1e6:6.1f} MB/s"
            )


if __name__ == "__main__":
    main()
