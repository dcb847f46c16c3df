"""Template filters of the rollout pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`counts|get_item:number`: a dictionary's value by a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def point_value(points, index):
    """The value of the `index`-th (month, value) point of a chart series."""
    try:
        return points[index][1]
    except (IndexError, TypeError):
        return ""


@register.filter
def days_overdue(task, today):
    """How many days a task is overdue on `today` (0 if it is not)."""
    return task.days_overdue(today)


@register.filter
def person(user):
    """A user's full name, else the username; "–" for nobody (deleted user)."""
    if user is None:
        return "–"
    return user.get_full_name() or user.username
