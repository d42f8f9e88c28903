"""Findings silenced on purpose."""
import subprocess


def trusted(command):
    eval(command)  # nosec
    subprocess.call(command, shell=True)  # nosec - reviewed
    exec(command)
