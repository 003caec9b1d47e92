"""The wizard's long reference lists (specialties, départements) are read as rows, not models:
they are read on every identity, establishment, summary and submit request (the load run of
docs/reliability.md counted ~170 model instances per identity request before)."""

import contextlib
import re

from django.db.models.signals import post_init

from kiosque.directory.models import Departement, Specialty
from kiosque.registration.tests.conftest import STEP_URLS


@contextlib.contextmanager
def instances_of(*models):
    counted = dict.fromkeys(models, 0)

    def count(sender, **kwargs):
        if sender in counted:
            counted[sender] += 1

    post_init.connect(count, weak=False)
    try:
        yield counted
    finally:
        post_init.disconnect(count)


def test_the_identity_step_lists_specialties_without_a_model_each(wizard):
    wizard.complete("conditions")
    with instances_of(Specialty) as counted:
        page = wizard.client.get(STEP_URLS["identity"]).content.decode()
    assert counted[Specialty] == 0
    groups = re.findall(r'<optgroup label="([^"]+)">', page)
    assert groups and len(groups) == len(set(groups))
    first = Specialty.objects.select_related("profession").order_by("label").first()
    group = first.profession.label if first.profession else "Autres spécialités"
    assert f'<optgroup label="{group}">' in page
    assert f'<option value="{first.code}">{first.label}</option>' in page


def test_the_establishment_step_lists_departements_without_a_model_each(wizard):
    wizard.complete("conditions", "identity", "contacts")
    with instances_of(Departement) as counted:
        page = wizard.client.get(STEP_URLS["establishment"]).content.decode()
    assert counted[Departement] == 0
    indre_et_loire = Departement.objects.get(pk="37")
    assert str(indre_et_loire) == "37 - Indre-et-Loire"
    assert page.count('<option value="37">37 - Indre-et-Loire</option>') == 1  # first block
    page = wizard.post("establishment", action="add-second").content.decode()
    assert page.count('<option value="37">37 - Indre-et-Loire</option>') == 2  # both blocks


def test_a_chosen_departement_still_cleans_to_the_departement(wizard):
    from kiosque.registration.establishment_form import DepartementField

    field = DepartementField(queryset=Departement.objects.order_by("code"))
    assert field.clean("37") == Departement.objects.get(pk="37")
