.PHONY: run test lint bench

run:  ## Start the whole system on embedded defaults, with demo data
	bash bin/run

test:  ## Run the whole test suite against real PostgreSQL, Redis and Celery
	bash bin/test

lint:
	.venv/bin/ruff check .
