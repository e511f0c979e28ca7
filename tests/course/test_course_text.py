"""The blocks run by the course tests are the course's own text, word for word."""

from pathlib import Path

import pytest

from course_blocks import BLOCKS

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"course text not found at {SEEDS}")
@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_block_is_verbatim_from_course(name):
    source, code = BLOCKS[name]
    assert code in (SEEDS / source).read_text(encoding="utf-8")
