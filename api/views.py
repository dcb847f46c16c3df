"""The read API: every list and object through the pages' own access rules.

Each view starts from the same querysets and helpers as the pages —
`visible_to(user)`, `get_municipality_for_user`, the selectors — so a
project manager reads only their own municipality's readiness, rollout
and wave reasons and gets 404 for another's, as on the pages. Each list's
joins are fixed, so its query count does not grow with its rows.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from governance.models import Decision, Forum, Meeting
from municipalities.access import get_municipality_for_user
from municipalities.models import Municipality, NeighbourPair, Region
from municipalities.roles import Role, role_of
from readiness import services as readiness_services
from readiness.models import Questionnaire
from readiness.models import Response as ReadinessResponse
from readiness.selectors import municipalities_with_readiness
from rollout import clock, selectors
from rollout import services as rollout_services
from rollout.models import Milestone, TaskTemplate
from waves import planning
from waves.models import Assignment, Wave, WavePlan

from . import filters, serializers


def _is_staff(user):
    return role_of(user) in (Role.COORDINATOR, Role.VIEWER)


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """The five regions."""

    queryset = Region.objects.order_by("code")
    serializer_class = serializers.RegionSerializer


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    """Municipalities with their region and neighbours: all of them for
    coordinators and viewers, their own for a project manager."""

    serializer_class = serializers.MunicipalitySerializer
    filterset_class = filters.MunicipalityFilter
    lookup_field = "code"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        pairs = NeighbourPair.objects.all()
        return (
            Municipality.objects.visible_to(self.request.user)
            .select_related("region")
            .prefetch_related(
                Prefetch("pairs_as_a", queryset=pairs.select_related("b")),
                Prefetch("pairs_as_b", queryset=pairs.select_related("a")),
            )
            .order_by("code")
        )


class WaveViewSet(viewsets.ReadOnlyModelViewSet):
    """The implementation waves with their dates and capacity."""

    queryset = Wave.objects.order_by("number")
    serializer_class = serializers.WaveSerializer
    lookup_field = "number"
    lookup_value_regex = r"\d+"


class WavePlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Wave plans: the published, superseded and historical ones for
    everyone, drafts and scenarios for coordinators and viewers."""

    serializer_class = serializers.WavePlanSerializer
    filterset_class = filters.WavePlanFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            WavePlan.objects.visible_to(self.request.user)
            .without_inputs()
            .defer("summary")
            .select_related("scenario")
            .order_by("pk")
        )

    @action(detail=False, pagination_class=None, filterset_class=None)
    def published(self, request):
        """The published wave plan: what every municipality works towards."""
        plan = self.get_queryset().published().first()
        if plan is None:
            raise NotFound(_("No wave plan is published yet."))
        return Response(self.get_serializer(plan).data)


class AssignmentMixin:
    serializer_class = serializers.AssignmentSerializer

    def get_plan(self):
        return get_object_or_404(
            WavePlan.objects.visible_to(self.request.user).without_inputs().defer("summary"),
            pk=self.kwargs["plan_id"],
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        visible = Municipality.objects.visible_to(self.request.user)
        context["visible_codes"] = set(visible.values_list("code", flat=True))
        context["is_staff"] = _is_staff(self.request.user)
        return context


class AssignmentList(AssignmentMixin, generics.ListAPIView):
    """Every municipality's wave in a plan; the figures behind it for the
    municipalities the user may see."""

    filterset_class = filters.AssignmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        plan = self.get_plan()
        return plan.assignments.for_review().order_by("municipality_id")


class AssignmentDetail(AssignmentMixin, generics.RetrieveAPIView):
    """Why a municipality is in its wave, as on its explanation page: for
    a project manager only their own municipality (404 for another)."""

    serializer_class = serializers.AssignmentDetailSerializer

    def get_object(self):
        plan = self.get_plan()
        municipality = get_municipality_for_user(self.request.user, self.kwargs["code"])
        assignment = get_object_or_404(
            plan.assignments.select_related("wave", "municipality__region"),
            municipality=municipality,
        )
        data = assignment.explanation or {}
        neighbours = data.get("neighbours_same", []) + data.get("neighbours_other", [])
        names = dict(
            Municipality.objects.filter(code__in=neighbours).values_list("code", "short_name")
        )
        # As the explanation page reads them: the vendor limit's source from
        # the plan's snapshot (only this municipality's part is kept).
        inputs = WavePlan.objects.filter(pk=plan.pk).values_list("inputs", flat=True).first() or {}
        own_inputs = inputs.get("municipalities", {}).get(str(municipality.code), {})
        first_wave = Wave.objects.order_by("number").values_list("number", flat=True).first()
        self.reasons = planning.explain_for_project_managers(
            assignment,
            names=names,
            limit_source=own_inputs.get("limit_source", ""),
            first_wave=first_wave or 1,
        )
        return assignment

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["reasons"] = getattr(self, "reasons", None)
        return context


def _current_questionnaire():
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None:
        raise NotFound(_("There is no current questionnaire."))
    return questionnaire


class ReadinessViewSet(viewsets.ReadOnlyModelViewSet):
    """Readiness of the current questionnaire per municipality: status and
    score for the municipalities the user may see; one municipality adds
    its submitted answers (a project manager: only their own)."""

    serializer_class = serializers.ReadinessSerializer
    filterset_class = filters.ReadinessFilter
    lookup_field = "code"
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ReadinessDetailSerializer
        return serializers.ReadinessSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Municipality.objects.none()
        return (
            municipalities_with_readiness(_current_questionnaire())
            .visible_to(self.request.user)
            .order_by("code")
        )

    def retrieve(self, request, *args, **kwargs):
        municipality = self.get_object()
        answers = self._answers(municipality, _current_questionnaire())
        context = {**self.get_serializer_context(), "answers": answers}
        return Response(serializers.ReadinessDetailSerializer(municipality, context=context).data)

    def get_object(self):
        # The same rule as the answers page: 404 for what the user may not see.
        get_municipality_for_user(self.request.user, self.kwargs["code"])
        return super().get_object()

    def _answers(self, municipality, questionnaire):
        """The submitted answers and what each adds to the score, as the
        answers page computes them."""
        response = (
            ReadinessResponse.objects.filter(
                municipality=municipality, questionnaire=questionnaire
            )
            .select_related("submitted_revision", "weight_set")
            .first()
        )
        if response is None or response.submitted_revision_id is None:
            return []
        questions = list(questionnaire.questions.prefetch_related("options"))
        options = {o.pk: o for q in questions for o in q.options.all()}
        submitted = readiness_services.answers_of(response.submitted_revision)
        weight_set = response.weight_set or questionnaire.active_weight_set()
        score = readiness_services.score_answers(
            questions, submitted, readiness_services.weights_of(weight_set)
        )
        lines = {line.question_key: line for line in score.lines}
        rows = []
        for question in questions:
            answer = submitted.get(question.pk, readiness_services.AnswerData())
            option = options.get(answer.option_id)
            line = lines.get(question.key)
            rows.append(
                {
                    "question_key": question.key,
                    "question": question.localized("text"),
                    "answer": option.localized("label") if option else None,
                    "expected_date": answer.expected_date,
                    "comment": answer.comment,
                    "points": round(line.contribution, 2) if line else None,
                }
            )
        return rows


class RolloutViewSet(viewsets.ReadOnlyModelViewSet):
    """Rollout per municipality: wave, phase, progress, overdue tasks, M1
    and M2 — for the municipalities the user may see."""

    serializer_class = serializers.RolloutSerializer
    filterset_class = filters.RolloutFilter
    lookup_field = "code"
    lookup_url_kwarg = "code"
    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.RolloutDetailSerializer
        return serializers.RolloutSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # As every rollout page: follow a newly published plan first.
        rollout_services.sync_with_published_plan()
        self.today = clock.today()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.Implementation.objects.none()
        return (
            selectors.implementations_for_table(self.today)
            .visible_to(self.request.user)
            .order_by("municipality_id")
        )

    def get_object(self):
        municipality = get_municipality_for_user(self.request.user, self.kwargs["code"])
        implementation = self.get_queryset().filter(municipality=municipality).first()
        if implementation is None:
            raise Http404
        return implementation

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["phase_names"] = selectors.phase_names()
        return context

    def retrieve(self, request, *args, **kwargs):
        implementation = self.get_object()
        context = {**self.get_serializer_context(), "milestones": self._milestones(implementation)}
        return Response(serializers.RolloutDetailSerializer(implementation, context=context).data)

    def _milestones(self, implementation):
        rules = list(TaskTemplate.objects.filter(phase__template=implementation.template_id))
        targets = selectors.milestone_targets(implementation.wave, rules)
        return [
            {
                "milestone": milestone.value,
                "reached_on": getattr(implementation, f"{milestone.value.lower()}_reached_on"),
                "target": targets[milestone.value],
            }
            for milestone in Milestone
        ]


class ForumViewSet(viewsets.ReadOnlyModelViewSet):
    """The governance fora: mandate, kind, where they report and escalate."""

    serializer_class = serializers.ForumSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Forum.objects.select_related("reports_to", "escalates_to")
            .prefetch_related("parties")
            .order_by("position", "pk")
        )


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """The fora's meetings with agenda and minutes, earliest first."""

    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Meeting.objects.select_related("forum").order_by("starts_at", "pk")


class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """The decisions taken in the fora's meetings."""

    serializer_class = serializers.DecisionSerializer
    filterset_class = filters.DecisionFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Decision.objects.select_related("meeting__forum").order_by("pk")
