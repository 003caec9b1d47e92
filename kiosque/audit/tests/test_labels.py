"""Each audit action and outcome has its own label: the back-office filter never lists
the same words twice ("Accès refusé" was both a refused access request and a refused page)."""

import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from kiosque.audit.models import AuditAction, AuditOutcome


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("choices", [AuditAction, AuditOutcome])
def test_labels_are_distinct(choices, language):
    with translation.override(language):
        labels = Counter(str(label) for label in choices.labels)
    assert [label for label, count in labels.items() if count > 1] == []


@pytest.mark.django_db
def test_the_admin_filter_lists_each_action_once(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "a@exemple.fr", None))
    page = client.get("/gestion/admin/audit/auditevent/").content.decode()
    filter_block = page.split('id="changelist-filter"', 1)[1]
    links = Counter(re.findall(r'<a href="\?action__exact=[^"]*"[^>]*>([^<]+)</a>', filter_block))
    assert links["Demande d&#x27;accès refusée"] == 1 and links["Permission refusée"] == 1
    assert [label for label, count in links.items() if count > 1] == []
    assert len(links) == len(AuditAction)
