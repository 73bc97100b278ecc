"""Child process for the crash harness: `jixiao import` as the user runs it, with
marks on stdout so the parent can kill it inside the import's transaction.

Prints "B" when the first batch has been written inside the transaction
(nothing committed yet), "C" as the commit starts: a kill before "C" can only
find nothing saved (a kill after it may find either, both whole). Everything
else is the real command line (desktop.cli.main).
"""
import sys

from desktop.store.repository import Repository


def main(argv: list[str]) -> int:
    real_save_stream = Repository.save_stream

    def save_stream(self, batches, *args, progress=None, **kwargs):
        from sqlalchemy import event

        event.listen(self.db.engine, "commit", lambda _conn: print("C", flush=True), once=True)

        def marked(done: int) -> None:
            if not marked.began:
                marked.began = True
                print("B", flush=True)
            if progress is not None:
                progress(done)

        marked.began = False
        return real_save_stream(self, batches, *args, progress=marked, **kwargs)

    Repository.save_stream = save_stream
    from desktop.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
