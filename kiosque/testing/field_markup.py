"""Checks, on rendered HTML, that each field's label, hint and errors sit next to the field.

For a bound field with errors, in the HTML of its page or of `as_field_group`:
- its control (the element with the field's id; for a fieldset widget, its fieldset) names
  `<auto_id>_error` in aria-describedby, and a non-fieldset control has aria-invalid="true";
- the element `<auto_id>_error` is a `.field-error` inside the same `.field` container as the
  control: next to the field, not only in a summary at the top of the page;
- the control has its label (`<label for>`, or the fieldset's `<legend>`) in that container,
  with the required mark when the field is required.
"""

from html.parser import HTMLParser

VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "col", "embed"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def container(self):
        """The nearest `.field` element holding this one (itself included)."""
        element = self
        while element is not None and "field" not in element.classes():
            element = element.parent
        return element

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def text(self) -> str:
        return "".join(
            child.text() if isinstance(child, Element) else child for child in self.children
        )


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Element("root", {}, None)
        self.current = self.root
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        element = self.current
        while element is not self.root and element.tag != tag:
            element = element.parent
        if element is not self.root:
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)

    def by_id(self, element_id):
        return next((e for e in self.root.walk() if e.attrs.get("id") == element_id), None)


def _control(tree: Tree, field):
    if field.use_fieldset:
        first = tree.by_id(f"{field.auto_id}_0") or tree.by_id(field.auto_id)
        element = first
        while element is not None and element.tag != "fieldset":
            element = element.parent
        return element
    return tree.by_id(field.id_for_label)


def field_problems(html: str, fields) -> list[str]:
    """What is wrong with the markup of `fields` (bound fields with errors) in `html`."""
    tree = Tree(html)
    problems = []
    for field in fields:
        name = field.html_name
        control = _control(tree, field)
        if control is None:
            problems.append(f"{name}: no control with id {field.id_for_label or field.auto_id}")
            continue
        error_id = f"{field.auto_id}_error"
        if error_id not in (control.attrs.get("aria-describedby") or "").split():
            problems.append(f"{name}: aria-describedby does not name {error_id}")
        if not field.use_fieldset and control.attrs.get("aria-invalid") != "true":
            problems.append(f"{name}: no aria-invalid")
        error = tree.by_id(error_id)
        container = control.container()
        if error is None or "field-error" not in error.classes():
            problems.append(f"{name}: no error list with id {error_id}")
        elif container is None or error.container() is not container:
            problems.append(f"{name}: its error is not next to the field")
        if container is None:
            continue
        if field.use_fieldset:
            labels = [e for e in control.children if isinstance(e, Element) and e.tag == "legend"]
        else:
            labels = [
                e
                for e in container.walk()
                if e.tag == "label" and e.attrs.get("for") == field.id_for_label
            ]
        if not labels:
            problems.append(f"{name}: no label next to the field")
        elif _required(field) and not any("required-mark" in e.classes() for e in labels[0].walk()):
            problems.append(f"{name}: required, without the required mark")
    return problems


def _required(field) -> bool:
    return field.field.required or getattr(field.field, "conditionally_required", False)
