from django.contrib.auth.models import AnonymousUser, Group

from kiosque.accounts import roles


def test_roles_are_read_once_per_user_instance(user, django_assert_num_queries):
    Group.objects.create(name=roles.ACCOUNT_MANAGERS)
    with django_assert_num_queries(1):
        assert not roles.has_role(user, roles.ACCOUNT_MANAGERS)
        assert not roles.has_role(user, roles.APPLICATION_REFERENTS)


def test_a_group_change_through_the_instance_is_seen_at_once(user):
    managers = Group.objects.create(name=roles.ACCOUNT_MANAGERS)
    assert not roles.has_role(user, roles.ACCOUNT_MANAGERS)
    user.groups.add(managers)
    assert roles.has_role(user, roles.ACCOUNT_MANAGERS)
    user.groups.remove(managers)
    assert not roles.has_role(user, roles.ACCOUNT_MANAGERS)
    user.groups.set([managers])
    assert roles.has_role(user, roles.ACCOUNT_MANAGERS)
    user.groups.clear()
    assert not roles.has_role(user, roles.ACCOUNT_MANAGERS)


def test_anonymous_has_no_role(db):
    assert not roles.has_role(AnonymousUser(), roles.ACCOUNT_MANAGERS)
