import sys

from evals.generate.cli import main

sys.exit(main())
