module example.com/syslogd

go 1.26
