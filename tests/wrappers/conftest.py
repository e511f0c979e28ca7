import sys
from pathlib import Path

# The tests import their build functions from `builders`, as a user's script would from its module;
# worker processes of a parallel search import it the same way.
sys.path.insert(0, str(Path(__file__).parent))
