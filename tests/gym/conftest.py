"""passlm.gym needs the [gym] extra: without gymnasium these tests skip."""
import pytest

pytest.importorskip("gymnasium")
