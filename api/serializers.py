"""What the API answers: the same facts the pages show, as JSON.

Text that has two languages (names, labels, question texts) comes in the
request's language; dates and times are ISO 8601.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.models import Decision, Forum, Meeting, Party
from municipalities.models import Municipality, Region
from readiness.models import ResponseStatus, ReviewStatus
from rollout.models import Implementation
from waves.models import Assignment, Wave, WavePlan


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class MunicipalityRefSerializer(serializers.ModelSerializer):
    """A municipality named where something else is the subject."""

    class Meta:
        model = Municipality
        fields = ["code", "short_name"]


class NeighbourSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    short_name = serializers.CharField()
    kind = serializers.CharField(help_text="border: a shared land border; nearby: an island link")


class MunicipalitySerializer(serializers.ModelSerializer):
    padded_code = serializers.CharField(help_text="The code in four digits, as DAGI writes it.")
    region = RegionSerializer()
    neighbours = serializers.SerializerMethodField()

    class Meta:
        model = Municipality
        fields = ["code", "padded_code", "name", "short_name", "region", "neighbours"]

    @extend_schema_field(NeighbourSerializer(many=True))
    def get_neighbours(self, municipality):
        # Pairs are stored once (a < b): read both directions, prefetched.
        rows = [(pair.b, pair.kind) for pair in municipality.pairs_as_a.all()]
        rows += [(pair.a, pair.kind) for pair in municipality.pairs_as_b.all()]
        return [
            {"code": other.code, "short_name": other.short_name, "kind": kind}
            for other, kind in sorted(rows, key=lambda row: row[0].code)
        ]


class WaveSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Wave
        fields = ["number", "name", "starts_on", "ends_on", "capacity"]

    def get_name(self, wave) -> str:
        return wave.localized("name")


class WavePlanSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    is_scenario = serializers.SerializerMethodField()

    class Meta:
        model = WavePlan
        fields = [
            "id",
            "name",
            "status",
            "status_label",
            "origin",
            "is_scenario",
            "solver_status",
            "created_at",
            "published_at",
            "superseded_at",
        ]

    def get_name(self, plan) -> str:
        return str(plan)

    def get_is_scenario(self, plan) -> bool:
        return plan.scenario_id is not None


class AssignmentFiguresSerializer(serializers.ModelSerializer):
    """What the plan was computed from, for this municipality."""

    class Meta:
        model = Assignment
        fields = [
            "is_pinned",
            "pin_reason",
            "readiness_score",
            "wish_wave",
            "wish_met",
            "gp_adoption",
            "hospital_adoption",
            "vendor_name",
            "earliest_wave",
            "neighbours_in_other_waves",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    """A municipality's wave in a plan. `figures` is given for the
    municipalities whose explanation the user may open (all of them for
    coordinators and viewers, their own for a project manager), else null."""

    municipality = MunicipalityRefSerializer()
    region = serializers.IntegerField(source="municipality.region_id")
    wave = serializers.IntegerField(source="wave.number")
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["municipality", "region", "wave", "moved_by_hand", "figures"]

    @extend_schema_field(AssignmentFiguresSerializer(allow_null=True))
    def get_figures(self, assignment):
        if assignment.municipality_id not in self.context["visible_codes"]:
            return None
        return AssignmentFiguresSerializer(assignment).data


class AssignmentDetailSerializer(AssignmentSerializer):
    """With the reasons in words, and for coordinators and viewers the
    points per criterion the solver weighed."""

    headline = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()
    contributions = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "headline", "reasons", "contributions"]

    def get_headline(self, assignment) -> str:
        return self.context["reasons"].headline

    def get_reasons(self, assignment) -> list[str]:
        return [str(reason) for reason in self.context["reasons"].reasons]

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "number"}, "nullable": True}
    )
    def get_contributions(self, assignment):
        if not self.context["is_staff"]:
            return None
        return (assignment.explanation or {}).get("contributions", {})


class ReadinessSerializer(serializers.ModelSerializer):
    """A municipality's readiness: status and score of its latest
    submission (a draft has no score)."""

    region = serializers.IntegerField(source="region_id")
    status = serializers.ChoiceField(choices=ResponseStatus.choices)
    status_label = serializers.SerializerMethodField()
    score = serializers.FloatField(allow_null=True)
    wish_wave = serializers.IntegerField(allow_null=True)
    review_status = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = Municipality
        fields = [
            "code",
            "short_name",
            "region",
            "status",
            "status_label",
            "score",
            "wish_wave",
            "review_status",
            "submitted_at",
            "updated_at",
        ]

    def get_status_label(self, municipality) -> str:
        return str(ResponseStatus(municipality.status).label)

    @extend_schema_field(serializers.ChoiceField(choices=ReviewStatus.choices, allow_null=True))
    def get_review_status(self, municipality):
        return municipality.review_status or None


class AnswerSerializer(serializers.Serializer):
    question_key = serializers.CharField()
    question = serializers.CharField()
    answer = serializers.CharField(allow_null=True)
    expected_date = serializers.DateField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    points = serializers.FloatField(
        allow_null=True, help_text="What the answer adds to the score; null if not scored."
    )


class ReadinessDetailSerializer(ReadinessSerializer):
    answers = serializers.SerializerMethodField()

    class Meta(ReadinessSerializer.Meta):
        fields = [*ReadinessSerializer.Meta.fields, "answers"]

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, municipality):
        return self.context["answers"]


class RolloutSerializer(serializers.ModelSerializer):
    """Where a municipality's implementation stands."""

    code = serializers.IntegerField(source="municipality_id")
    short_name = serializers.CharField(source="municipality.short_name")
    region = serializers.IntegerField(source="municipality.region_id")
    wave = serializers.IntegerField(source="wave.number")
    phase = serializers.IntegerField(
        allow_null=True, help_text="The first phase with open tasks; null when all are closed."
    )
    phase_name = serializers.SerializerMethodField()
    percent_done = serializers.SerializerMethodField()
    tasks = serializers.IntegerField(source="total")
    tasks_closed = serializers.IntegerField(source="closed")
    tasks_overdue = serializers.IntegerField(source="overdue")
    tasks_blocked = serializers.IntegerField(source="blocked")
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Implementation
        fields = [
            "code",
            "short_name",
            "region",
            "wave",
            "phase",
            "phase_name",
            "percent_done",
            "tasks",
            "tasks_closed",
            "tasks_overdue",
            "tasks_blocked",
            "is_overdue",
            "m1_reached_on",
            "m2_reached_on",
        ]

    def get_phase_name(self, implementation) -> str | None:
        return self.context["phase_names"].get(implementation.phase)

    def get_percent_done(self, implementation) -> int:
        total = implementation.total
        return round(100 * implementation.closed / total) if total else 0

    def get_is_overdue(self, implementation) -> bool:
        return implementation.overdue > 0


class MilestoneSerializer(serializers.Serializer):
    milestone = serializers.CharField()
    reached_on = serializers.DateField(allow_null=True)
    target = serializers.DateField(
        allow_null=True, help_text="The latest due date of the milestone's tasks in the wave."
    )


class RolloutDetailSerializer(RolloutSerializer):
    milestones = serializers.SerializerMethodField()

    class Meta(RolloutSerializer.Meta):
        fields = [*RolloutSerializer.Meta.fields, "milestones"]

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, implementation):
        return self.context["milestones"]


class PartySerializer(serializers.ModelSerializer):
    name = serializers.CharField()

    class Meta:
        model = Party
        fields = ["slug", "name"]


class ForumSerializer(serializers.ModelSerializer):
    name = serializers.CharField()
    short_name = serializers.CharField()
    mandate = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    reports_to = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    escalates_to = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    parties = PartySerializer(many=True)

    class Meta:
        model = Forum
        fields = [
            "slug",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "track",
            "mandate",
            "reports_to",
            "escalates_to",
            "parties",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    forum = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "forum", "starts_at", "ends_at", "place", "agenda", "minutes"]


class DecisionSerializer(serializers.ModelSerializer):
    forum = serializers.CharField(source="meeting.forum.slug")
    meeting_starts_at = serializers.DateTimeField(source="meeting.starts_at")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "forum",
            "meeting_starts_at",
            "kind",
            "kind_label",
            "subject",
            "text",
            "follow_up_url",
            "created_at",
        ]
