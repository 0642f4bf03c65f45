import sys

from vlboard.cli import main

sys.exit(main())
