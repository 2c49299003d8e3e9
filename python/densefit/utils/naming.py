"""Turns Keras identifiers (names, config dicts, instances) into densefit objects."""

import re


def snake_case(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def resolve_name(kind, identifier, classes, aliases, base, snake_names=True):
    """`classes` maps Keras class names to classes. Accepts the class name, its snake_case
    form (unless `snake_names` is False: the aliases then list every lower-case name), an
    alias, a `{"class_name", "config"}` dict or an instance of `base`."""
    if isinstance(identifier, base):
        return identifier
    if isinstance(identifier, dict) and "class_name" in identifier:
        class_name, config = identifier["class_name"], identifier.get("config") or {}
        if not isinstance(class_name, str) or not isinstance(config, dict):
            raise TypeError(f"Could not interpret {kind} identifier: {identifier!r} (expected "
                            f"a string `class_name` and a dict `config`)")
        return _lookup(kind, class_name, classes, aliases, snake_names).from_config(config)
    if isinstance(identifier, str):
        return _lookup(kind, identifier, classes, aliases, snake_names)()
    if isinstance(identifier, type) and issubclass(identifier, base):
        return identifier()
    raise TypeError(f"Could not interpret {kind} identifier: {identifier!r} "
                    f"(expected a name, a config dict or a {base.__name__})")


def _lookup(kind, name, classes, aliases, snake_names=True):
    table = dict(classes)
    table.update(aliases)
    if snake_names:
        table.update({snake_case(k): v for k, v in classes.items()})
    if name in table:
        return table[name]
    valid = sorted({snake_case(k) for k in classes} if snake_names else
                   {k for k in aliases if k.islower()})
    raise ValueError(f"Unknown {kind}: {name!r}. Valid names: {', '.join(valid)}")
