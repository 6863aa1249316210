# Shortcuts for people used to make; each runs the same script as the README.
.PHONY: start test test-latest lock app env
start:
	bash kit.sh start
test:
	bash kit.sh test
test-latest:
	bash kit.sh test --latest
lock:
	bash kit.sh lock
app:
	bash kit.sh app
env:
	bash kit.sh env
