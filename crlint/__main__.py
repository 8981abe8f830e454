"""`python -m crlint`: the console script, without the working directory on `sys.path`.

`python -m` puts the working directory first on `sys.path`; crlint runs in
repositories it does not trust, whose files must never be imported.
"""

import os
import sys

if sys.path and os.path.realpath(sys.path[0] or ".") == os.path.realpath(os.getcwd()):
    del sys.path[0]

from crlint.cli import run

run()
