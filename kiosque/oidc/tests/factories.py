"""A professional profile as the professionals app creates it on validation."""

from kiosque.directory.models import Profession, Specialty
from kiosque.professionals.models import ProfessionalEstablishment, ProfessionalProfile


def professional(
    user, rpps="10000000009", adeli="", specialty="SM36", finess="450000088", verified=True
):
    """`verified`: its RPPS was checked (here as PSC checks it at registration)."""
    profession, _ = Profession.objects.get_or_create(
        code="10", defaults={"label": "Médecin", "has_rpps": True}
    )
    speciality, _ = Specialty.objects.get_or_create(
        code=specialty, defaults={"label": "Oncologie option médicale", "profession": profession}
    )
    profile = ProfessionalProfile.objects.create(
        user=user,
        rpps=rpps,
        adeli=adeli,
        profession=profession,
        specialty=speciality,
        rpps_verified=verified,
    )
    ProfessionalEstablishment.objects.create(
        profile=profile, position=1, finess=finess, name="CHR d'Orléans", city="Orléans"
    )
    return profile
