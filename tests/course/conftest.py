import sys
from pathlib import Path

# The course blocks import the local `course_data` module, as a notebook would.
sys.path.insert(0, str(Path(__file__).parent))
