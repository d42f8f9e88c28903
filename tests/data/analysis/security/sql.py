"""SQL built from strings."""


def queries(cursor, user_id, table, name):
    cursor.execute("SELECT * FROM users WHERE id = %s" % user_id)  # expect: B608
    cursor.execute("DELETE FROM sessions WHERE user = '" + name + "'")  # expect: B608
    cursor.executemany(f"INSERT INTO {table} (name) VALUES (?)", [(name,)])  # expect: B608
    cursor.execute("UPDATE users SET name = '{}' WHERE id = 1".format(name))  # expect: B608
    query = "SELECT name FROM users WHERE id = " + str(user_id)  # expect: B608
    cursor.execute(query)
    report = "select count(*) from %s" % table  # expect: B608
    cursor.execute("SELECT * FROM users WHERE id = %s", (user_id,))
    cursor.execute("SELECT 1")
    greeting = "Hello " + name
    return report, greeting
