import pytest

from readiness.selectors import MunicipalityReadiness, readiness_for_planning

pytestmark = pytest.mark.django_db


def test_every_municipality_is_not_started_before_any_answer(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        readiness = readiness_for_planning()
    assert len(readiness) == 98
    assert readiness[461] == MunicipalityReadiness(461, None, None, "not_started", None)
