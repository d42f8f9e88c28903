"""Code execution and shell injection."""
import os
import os as operating_system
import subprocess
from subprocess import Popen as spawn
from subprocess import call as run_it


def run_user_code(source, command, name):
    eval(source)
    exec(source)
    compile(source, "<input>", "exec")  # expect: GF001
    compile("x = 1", "<literal>", "exec")
    os.system("ls -l")
    os.system("ls " + name)
    operating_system.popen(command)
    os.popen("uptime")
    subprocess.call("ls -l", shell=True)
    subprocess.call(command, shell=True)
    subprocess.check_output(f"grep {name} /etc/passwd", shell=True)
    subprocess.run(
        "echo " + name,
        shell=True,
    )
    subprocess.Popen(args=command, shell=True)
    subprocess.run(["ls", "-l"], shell=False)
    subprocess.run(["ls", "-l"], shell=0)
    subprocess.run(command, shell=[])
    subprocess.run(command, shell=[1])
    run_it(command, shell=True)
    spawn(command, shell=True)
    custom_runner(command, shell=True)
    custom_runner(command, shell=False)
    text = "eval(source) in a string is not a call"
    # os.system(command) in a comment is not a call either
    return text
