"""The directory of community support (Supporting Other Needs) and the directory of
expertise.

Entries follow the shape of the Open Referral UK data standard: an organisation
runs services; a service has contacts, eligibility, regular schedules, the areas
it serves, taxonomy terms (here, the categories of need) and locations. The
directory is kept by the Community Knowledge Officer, who checks each entry at
least every six months; the staff helpline logs what it was asked, what it
suggested and, when nothing suitable exists, an unmet need for commissioners.
"""

import uuid
from datetime import datetime
from typing import Self

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .links import validate_link


class Need(models.TextChoices):
    """The categories of need: the seeds' list (benefits, housing, loneliness and
    isolation, addiction, relationships, healthy lifestyles, community activity) and
    the support people are most often signposted to besides."""

    CRISIS = "crisis", "Crisis support"
    EMOTIONAL_SUPPORT = "emotional_support", "Talking therapies and emotional support"
    PEER_SUPPORT = "peer_support", "Peer support groups"
    HOUSING = "housing", "Housing and homelessness"
    BENEFITS = "benefits", "Benefits, money and debt"
    EMPLOYMENT = "employment", "Work, training and volunteering"
    LONELINESS = "loneliness", "Loneliness and isolation"
    ADDICTION = "addiction", "Drugs, alcohol and gambling"
    RELATIONSHIPS = "relationships", "Relationships and family"
    HEALTHY_LIFESTYLES = "healthy_lifestyles", "Healthy lifestyles"
    COMMUNITY_ACTIVITY = "community_activity", "Community activities"
    CARERS = "carers", "Support for carers"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    BEREAVEMENT = "bereavement", "Bereavement"
    FOOD = "food", "Food and essentials"


class Access(models.TextChoices):
    """How a person gets to the service (Open Referral UK's attending_access)."""

    DROP_IN = "drop-in", "Drop in"
    SELF_REFERRAL = "self-referral", "Refer yourself"
    REFERRAL = "referral", "Referral by a professional"
    APPOINTMENT = "appointment", "By appointment"


class Organisation(models.Model):
    identifier = models.CharField(max_length=100, unique=True, default=uuid.uuid4,
                                  help_text="Its Open Referral UK id.")
    name = models.CharField(max_length=160)
    description = models.TextField(max_length=4000, blank=True)
    url = models.URLField(blank=True, validators=[validate_link])
    email = models.EmailField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class CommunityServiceQuerySet(models.QuerySet["CommunityService"]):
    def active(self) -> Self:
        return self.filter(retired_at__isnull=True)

    def not_checked_since(self, instant: datetime) -> Self:
        return self.active().filter(last_checked_at__lt=instant)


class CommunityService(models.Model):
    """A service in the directory. The triage decision's external_service points here."""

    identifier = models.CharField(max_length=100, unique=True, default=uuid.uuid4,
                                  help_text="Its Open Referral UK id, kept across imports.")
    name = models.CharField(max_length=160)
    provider = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="services")
    # The provider's name is copied here so the words a person searches for are in one
    # row (the search document below), and entries made before organisations existed keep it.
    organisation = models.CharField(max_length=160)
    description = models.TextField(max_length=4000)
    # Empty for an entry imported with taxonomy terms no category of need is known for:
    # it is on the officer's list to categorise (and found by its words meanwhile).
    category = models.CharField("main category of need", max_length=60, choices=Need.choices, blank=True)
    needs = ArrayField(models.CharField(max_length=30, choices=Need.choices), default=list,
                       blank=True, help_text="Every category of need it meets, the main one included.")
    area = models.CharField("area served", max_length=400, blank=True,
                            help_text="In words, for example Leicester City or all of LLR.")
    postcode_districts = ArrayField(models.CharField(max_length=4), default=list, blank=True,
                                    help_text="Postcode districts served; none means anywhere.")
    pcns = models.ManyToManyField("cap.PrimaryCareNetwork", blank=True, related_name="+",
                                  verbose_name="Primary Care Networks served")
    contact_name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    url = models.URLField(blank=True, validators=[validate_link])
    access = models.CharField("how people get to it", max_length=20, choices=Access.choices,
                              default=Access.SELF_REFERRAL)
    how_to_access = models.TextField(max_length=2000, blank=True)
    eligibility = models.TextField(max_length=2000, blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    cost = models.CharField(max_length=200, blank=True, help_text="For example Free, or £3 a session.")
    free = models.BooleanField(default=True)
    last_checked_at = models.DateTimeField(default=timezone.now)
    last_checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    retired_at = models.DateTimeField(null=True, blank=True)
    terms_to_categorise = models.JSONField(
        default=list, blank=True,
        help_text="The other directory's taxonomy terms no category of need is known for: "
                  "a list of {vocabulary, id, name}.")
    # Kept by PostgreSQL from the columns it is made of: the service's name weighs most,
    # then the provider's, then the description and the area.
    search_document = models.GeneratedField(
        expression=SearchVector("name", weight="A", config="english")
        + SearchVector("organisation", weight="B", config="english")
        + SearchVector("description", "area", weight="C", config="english"),
        output_field=SearchVectorField(), db_persist=True)
    history = HistoricalRecords(excluded_fields=["search_document"], m2m_fields=[pcns])

    objects = CommunityServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        permissions = [("manage_directory", "Can add, edit and verify directory entries")]
        indexes = [
            GinIndex(fields=["search_document"], name="directory_service_search"),
            GinIndex(fields=["needs"], name="directory_service_needs"),
            models.Index(fields=["last_checked_at"], condition=models.Q(retired_at__isnull=True),
                         name="directory_service_to_check"),
        ]

    def __str__(self):
        return self.name

    @property
    def to_categorise(self) -> bool:
        return not self.category

    @property
    def need_labels(self) -> list[str]:
        return [Need(n).label for n in self.needs if n in Need.values]


class TermMapping(models.Model):
    """What another directory's taxonomy term means here: the category of need an
    imported entry with that term gets. A term is matched by its id or its name within
    its vocabulary; a mapping with no vocabulary matches the name in any vocabulary."""

    vocabulary = models.CharField(max_length=200, blank=True,
                                  help_text="The term's taxonomy, as the other directory names it; "
                                            "empty for any.")
    term = models.CharField(max_length=200, help_text="The term's id or its name.")
    need = models.CharField("category of need", max_length=30, choices=Need.choices)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["vocabulary", "term", "id"]
        constraints = [models.UniqueConstraint(Lower("vocabulary"), Lower("term"),
                                               name="directory_term_mapping_once")]

    def __str__(self):
        return f"{self.vocabulary or 'any vocabulary'}: {self.term} -> {self.get_need_display()}"


class Location(models.Model):
    """Where a service is delivered. Coordinates come from the postcode's district
    (directory/postcodes.py), which is enough to put the nearest first."""

    service = models.ForeignKey(CommunityService, on_delete=models.CASCADE, related_name="locations")
    identifier = models.CharField(max_length=100, help_text="Its Open Referral UK id.")
    name = models.CharField(max_length=160, blank=True)
    address = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=80, blank=True)
    postcode = models.CharField(max_length=8)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "identifier"],
                                               name="directory_location_identifier")]

    def __str__(self):
        return ", ".join(p for p in (self.name, self.address, self.town, self.postcode) if p)


class Schedule(models.Model):
    """A regular weekly opening. Closing at or before the opening time means it closes
    the next morning (an evening crisis cafe); opening and closing at the same time
    means open all day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4
        SATURDAY = 5
        SUNDAY = 6

    service = models.ForeignKey(CommunityService, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "weekday", "opens_at"]
        indexes = [models.Index(fields=["service", "weekday"], name="directory_schedule_day")]

    def __str__(self):
        if self.opens_at == self.closes_at:
            return f"{self.get_weekday_display()}: open all day"
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M} to {self.closes_at:%H:%M}"


class SearchWord(models.Model):
    """Every word in the directory, so a misspelt search word can be corrected to the
    nearest real one (the pg_trgm documentation's way to suggest spellings)."""

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        indexes = [GistIndex(OpClass("word", name="gist_trgm_ops"), name="directory_word_trgm")]


# --- The staff helpline --------------------------------------------------------------

class HelplineQuery(models.Model):
    """A call to the Community Knowledge Service from a member of staff. It holds no
    one's identity but the caller's: the person they are helping is not named."""

    asked_at = models.DateTimeField(default=timezone.now)
    asked_by = models.CharField("who asked", max_length=120)
    asked_by_team = models.CharField("their team", max_length=120, blank=True)
    need = models.CharField(max_length=30, choices=Need.choices)
    postcode_district = models.CharField("area (postcode district)", max_length=4)
    question = models.TextField(max_length=2000)
    answer = models.TextField("answer given", max_length=4000, blank=True)
    suggested = models.ManyToManyField(CommunityService, blank=True, related_name="+",
                                       verbose_name="entries suggested")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    history = HistoricalRecords(m2m_fields=[suggested])

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name_plural = "helpline queries"
        permissions = [("log_helpline_query", "Can log staff helpline queries and unmet needs"),
                       ("view_unmet_need_report", "Can see the unmet needs report")]

    def __str__(self):
        return f"{self.get_need_display()} in {self.postcode_district}, {self.asked_at:%d %b %Y}"


class UnmetNeed(models.Model):
    """A need no service in the directory could meet, for commissioners."""

    query = models.OneToOneField(HelplineQuery, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="unmet_need")
    need = models.CharField(max_length=30, choices=Need.choices)
    postcode_district = models.CharField("area (postcode district)", max_length=4)
    description = models.TextField("what was needed", max_length=2000)
    logged_at = models.DateTimeField(default=timezone.now)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-logged_at", "-id"]
        indexes = [models.Index(fields=["logged_at"], name="directory_unmet_logged")]

    def __str__(self):
        return f"{self.get_need_display()} in {self.postcode_district}"


# --- The directory of expertise -------------------------------------------------------

class Specialty(models.TextChoices):
    EATING_DISORDERS = "eating_disorders", "Eating disorders"
    PERINATAL = "perinatal", "Perinatal mental health"
    PSYCHOSIS = "psychosis", "Psychosis and early intervention"
    PERSONALITY_DISORDER = "personality_disorder", "Personality disorder"
    AUTISM = "autism", "Autism"
    ADHD = "adhd", "ADHD"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    DEMENTIA = "dementia", "Dementia and older people"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    CHILDREN = "children", "Children and young people"
    FORENSIC = "forensic", "Forensic mental health"
    PHYSICAL_HEALTH = "physical_health", "Physical health and mental health"
    TRAUMA = "trauma", "Trauma"


class Expertise(models.Model):
    """A practitioner's particular expertise, offered to colleagues (the seeds'
    "Additional Support and Expertise" process)."""

    practitioner = models.ForeignKey("scheduling.Practitioner", on_delete=models.CASCADE,
                                     related_name="expertise")
    specialty = models.CharField(max_length=30, choices=Specialty.choices)
    skills = models.CharField(max_length=400, help_text="For example DBT, family work, ARFID.")
    phone_advice = models.BooleanField("offers phone advice", default=True)
    supervision = models.BooleanField("offers supervision", default=False)
    joint_contact = models.BooleanField("offers joint contacts", default=False)
    notes = models.TextField(max_length=2000, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["specialty", "practitioner__name", "id"]
        verbose_name_plural = "expertise"
        permissions = [("manage_expertise", "Can maintain the directory of expertise")]
        constraints = [models.UniqueConstraint(fields=["practitioner", "specialty"],
                                               name="directory_expertise_once")]
        indexes = [GinIndex(OpClass("skills", name="gin_trgm_ops"), name="directory_skills_trgm")]

    def __str__(self):
        return f"{self.practitioner}: {self.get_specialty_display()}"
