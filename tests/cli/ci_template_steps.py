#!/usr/bin/env python3
"""Reads a CI template (GitHub Actions workflow or GitLab CI file) as YAML and prints, one
per line, what the CI template tests check and run:

    service IMAGE          each service image of the job
    env NAME=VALUE         each job-level environment variable (GitHub `env`, GitLab `variables`)
    fetch-depth N          the actions/checkout step's fetch-depth (GitHub)
    run COMMAND            each line of the checks, in order: the `run:` steps after the
                           step named "Install migrate ..." (GitHub), the `script:` entries
                           (GitLab; before_script installs)

Each check line is a command on its own (no `cd` or variable carried to the next line), so the
tests run them one by one. Usage: ci_template_steps.py github|gitlab FILE. Exits 1 with a message on stderr when the file
is not valid YAML or does not hold exactly one job. Needs python3 and its yaml module.
"""
import sys

import yaml

GITLAB_KEYWORDS = {"default", "include", "stages", "variables", "workflow", "image", "services",
                   "before_script", "after_script", "cache"}


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def script_lines(script):
    """The non-empty lines of a shell script (a string or a list of lines)."""
    lines = script if isinstance(script, list) else str(script).splitlines()
    return [line.strip() for line in lines if line.strip()]


def only_job(jobs):
    if len(jobs) != 1:
        fail(f"expected one job, found {len(jobs)}: {', '.join(sorted(jobs))}")
    return next(iter(jobs.values()))


def github(document):
    job = only_job(document.get("jobs") or {})
    out = [f"service {s['image']}" for s in (job.get("services") or {}).values()]
    out += [f"env {k}={v}" for k, v in (job.get("env") or {}).items()]
    installed = False
    for step in job.get("steps") or []:
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            out.append(f"fetch-depth {(step.get('with') or {}).get('fetch-depth')}")
        if installed:
            out += [f"run {line}" for line in script_lines(step.get("run", ""))]
        installed = installed or str(step.get("name", "")).startswith("Install migrate")
    if not installed:
        fail("no step named 'Install migrate ...'")
    return out


def gitlab(document):
    jobs = {k: v for k, v in document.items() if k not in GITLAB_KEYWORDS and not k.startswith(".")}
    job = only_job(jobs)
    out = []
    for service in job.get("services") or []:
        out.append(f"service {service['name'] if isinstance(service, dict) else service}")
    out += [f"env {k}={v}" for k, v in (job.get("variables") or {}).items()]
    out += [f"run {line}" for line in script_lines(job.get("script") or [])]
    return out


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("github", "gitlab"):
        fail("usage: ci_template_steps.py github|gitlab FILE")
    try:
        with open(sys.argv[2], encoding="utf-8") as f:
            document = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        fail(f"{sys.argv[2]}: {e}")
    if not isinstance(document, dict):
        fail(f"{sys.argv[2]}: not a YAML mapping")
    for line in (github if sys.argv[1] == "github" else gitlab)(document):
        print(line)


if __name__ == "__main__":
    main()
