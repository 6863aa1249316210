# Shortcuts for people used to make; each runs the same script as the README.
.PHONY: start test app env
start:
	bash kit.sh start
test:
	bash kit.sh test
app:
	bash kit.sh app
env:
	bash kit.sh env
