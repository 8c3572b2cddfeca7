.PHONY: run test lint typecheck bench-bars bench-load bench-intake bench-triage bench-directory bench-scheduling bench-monitoring bench-scale

run:  ## Start the whole system on embedded defaults, with demo data
	bash bin/run

test:  ## Run the whole test suite against real PostgreSQL, Redis and Celery
	bash bin/test

lint:
	.venv/bin/ruff check .

typecheck:  ## mypy over core/ and every app's services and selectors
	bash bin/typecheck

bench-intake:  ## POST /api/v1/referrals/ and person search at 1,000,000 referrals
	bash bin/bench benchmarks/intake.py

bench-triage:  ## Queue pages, the wait dashboard and decisions at 1,000,000 referrals
	bash bin/bench benchmarks/triage.py

bench-directory:  ## Staff search by need, place and words at 100,000 directory entries
	bash bin/bench benchmarks/directory.py

bench-scheduling:  ## Options and bookings in a team of 40 with 70%-full diaries; a booking race
	bash bin/bench benchmarks/scheduling.py

bench-monitoring:  ## One breach scan at 1,000,000 running targets; the performance page over 3,000,000 referrals
	bash bin/bench benchmarks/monitoring.py

bench-load:  ## Load over real HTTP: gunicorn, worker and beat driven by locust at 50, 100 and 200 users, 1,000,000 referrals
	bash bin/bench benchmarks/load.py

bench-bars:  ## BaRS $process-message: messages a second, p50/p90/p95 and 100 concurrent sends at 1,000,000 referrals
	bash bin/bench benchmarks/bars.py

bench-scale:  ## How cost grows: queue pages, dashboard and scan at 10,000,000 referrals beside the usual sizes
	bash bin/bench benchmarks/triage.py
	bash bin/bench benchmarks/triage.py --referrals 10000000
	bash bin/bench --compare .local/bench/triage.json .local/bench/triage-10000000.json
	bash bin/bench benchmarks/monitoring.py
	bash bin/bench benchmarks/monitoring.py --referrals 10000000
	bash bin/bench --compare .local/bench/monitoring.json .local/bench/monitoring-10000000.json
