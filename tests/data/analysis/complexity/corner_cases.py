"""Constructs whose McCabe complexity is easy to get wrong; mccabe 0.7 is the reference."""
import contextlib


def try_with_one_handler():
    try:
        work()
    except ValueError:
        recover()


def try_with_handlers_else_and_finally():
    try:
        work()
    except ValueError:
        recover()
    except (TypeError, KeyError):
        recover()
    else:
        done()
    finally:
        if cleanup_needed():
            cleanup()


def loops_with_and_without_else(items):
    for item in items:
        use(item)
    else:
        finish()
    while pending():
        step()
    async_like = [x for x in items if x and not x.hidden or x.forced]
    return async_like


def boolean_operators_and_expressions_do_not_count(a, b, c):
    value = a and b or c
    pick = (lambda x: x if x else -1)(value)
    return {k: v for k, v in pick.items() if k or v}


def with_statements_are_straight_lines(path):
    with open(path) as f:
        with contextlib.suppress(OSError):
            if f.readable():
                return f.read()
    return None


def closures_count_inside_their_parent():
    def inner(x):
        if x:
            return 1
        return 0

    class Local:
        def method(self):
            for i in range(3):
                yield i

    return inner, Local


def match_is_a_single_statement(command):
    match command:
        case "go":
            if ready():
                go()
        case _:
            stop()


def except_star_is_a_single_statement():
    try:
        work()
    except* ValueError:
        if retry():
            work()


async def async_constructs(session):
    async with session:
        async for row in session.rows():
            if row:
                await row.save()
            elif row is None:
                break
            else:
                continue


def elif_chains(n):
    if n == 1:
        return "one"
    elif n == 2:
        return "two"
    elif n == 3:
        return "three"
    else:
        return "many"


@contextlib.contextmanager
def decorated(resource):
    try:
        yield resource
    finally:
        resource.close()


class Shape:
    kind = "shape"

    def area(self):
        return 0

    def area(self):  # a second definition replaces the first, in place
        if self.kind:
            return 1
        return 0

    if kind:
        sides = 0

    for _unused in range(2):
        pass

    class Inner:
        def nested_method(self, flag):
            return 1 if flag else 2


if __name__ == "__main__":
    elif_chains(1)
elif __debug__:
    pass

for _module_loop in range(1):
    def defined_in_a_loop():
        if True:
            return 1

try:
    import json
except ImportError:
    json = None
else:
    pass
finally:
    def defined_in_finally_is_never_seen():
        return 1

with contextlib.suppress(Exception):
    def defined_under_with(a):
        while a:
            a -= 1
