import sys

from crlint.cli import main

sys.exit(main())
