"""A handler for torture's determinism tests: before it records a message it tosses a coin and,
on heads, reads the table first. `coin.py unseeded` tosses with the random module, which no seed
controls, so two runs of one seed part at the first toss that differs; `coin.py seeded` tosses
with the SDK's `random()`, seeded by the run's seed and the delivery, so they never part.
"""
import sys

import psycopg
import torture_handler

seeded = sys.argv[1] == "seeded"
connection = None


def handle(delivery):
    global connection
    if connection is None:
        connection = psycopg.connect(delivery.database, autocommit=True)
    if seeded:
        heads = torture_handler.random() < 0.5
    else:
        import random

        heads = random.SystemRandom().random() < 0.5
    if heads:
        connection.execute("SELECT count(*) FROM seen")
    connection.execute("INSERT INTO seen (message_id) VALUES (%s) ON CONFLICT DO NOTHING", (delivery.message,))
    return "done"


torture_handler.run(handle)
