.PHONY: run test lint bench-intake bench-triage

run:  ## Start the whole system on embedded defaults, with demo data
	bash bin/run

test:  ## Run the whole test suite against real PostgreSQL, Redis and Celery
	bash bin/test

lint:
	.venv/bin/ruff check .

bench-intake:  ## POST /api/v1/referrals/ and person search at 1,000,000 referrals
	bash bin/bench benchmarks/intake.py

bench-triage:  ## Queue pages and decisions at 1,000,000 referrals
	bash bin/bench benchmarks/triage.py
