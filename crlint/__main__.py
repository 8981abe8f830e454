from crlint.cli import run

run()
