#!/usr/bin/env bash
# Builds offline stand-ins for the base images berth's generated Dockerfiles name, and
# tags them with those exact names, so the Dockerfiles build unmodified without a
# registry. Images that already exist are kept (delete them to rebuild).
#
#   debian:trixie-slim                      debootstrap --variant=minbase trixie
#   golang:<go>-trixie                      that, plus gcc/libc6-dev, this machine's Go and
#                                           its CA certificates
#   gcr.io/distroless/static-debian13:nonroot  CA certificates, tzdata, passwd; no shell
#   gcr.io/distroless/base-debian13:nonroot    the same plus glibc
#
# Needs root, debootstrap and a Docker engine. The Debian mirror and the Go proxy are the
# machine's own defaults (debootstrap's, `go env GOPROXY`).
set -euo pipefail

DOCKER=${DOCKER:-/usr/bin/docker}
GOROOT_HOST=$(go env GOROOT)
GOVERSION=$(go env GOVERSION)
GOVERSION=${GOVERSION#go}
GOMINOR=$(echo "$GOVERSION" | cut -d. -f1,2)
SUITE=trixie
CACHE=${BERTH_E2E_CACHE:-/var/cache/berth-e2e}

have() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
log() { echo "baseimages: $*" >&2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rootfs() {
	# A minbase trixie with CA certificates and tzdata, kept between runs.
	if [ ! -f "$CACHE/$SUITE/etc/debian_version" ]; then
		log "debootstrap $SUITE (about a minute)"
		rm -rf "$CACHE/$SUITE"
		mkdir -p "$CACHE"
		debootstrap --variant=minbase --include=ca-certificates,tzdata "$SUITE" "$CACHE/$SUITE" >"$work/debootstrap.log" 2>&1 ||
			{ cat "$work/debootstrap.log" >&2; exit 1; }
	fi
	echo "$CACHE/$SUITE"
}

import_dir() { # dir image [--change ...]
	local dir=$1 image=$2
	shift 2
	tar -C "$dir" -c . | "$DOCKER" import "$@" - "$image" >/dev/null
	log "built $image"
}

nonroot_files() { # dest: the files every distroless image has
	local dest=$1 src=$2
	mkdir -p "$dest/etc/ssl/certs" "$dest/usr/share" "$dest/tmp" "$dest/home/nonroot"
	chmod 1777 "$dest/tmp"
	chown 65532:65532 "$dest/home/nonroot"
	cp "$src/etc/ssl/certs/ca-certificates.crt" "$dest/etc/ssl/certs/"
	# zoneinfo without the duplicate right/ and posix/ trees, as distroless ships it
	(cd "$src/usr/share" && tar -c --exclude=zoneinfo/right --exclude=zoneinfo/posix zoneinfo) | tar -C "$dest/usr/share" -x
	printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$dest/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$dest/etc/group"
	echo 'hosts: files dns' >"$dest/etc/nsswitch.conf"
}

slim=debian:$SUITE-slim
if ! have "$slim"; then
	import_dir "$(rootfs)" "$slim" --change 'CMD ["bash"]'
fi

golang=golang:$GOMINOR-$SUITE
if ! have "$golang" || ! have "golang:$GOVERSION-$SUITE"; then
	log "golang stand-in with Go $GOVERSION and gcc"
	mkdir -p "$work/golang"
	cp -a "$GOROOT_HOST" "$work/golang/go"
	# This machine's CA bundle: it may trust a TLS proxy between it and the Go proxy.
	cp /etc/ssl/certs/ca-certificates.crt "$work/golang/"
	cat >"$work/golang/Dockerfile" <<EOF
FROM $slim
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null && rm -rf /var/lib/apt/lists/*
COPY go /usr/local/go
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    GOPATH=/go GOTOOLCHAIN=local GOLANG_VERSION=$GOVERSION GOPROXY=$(go env GOPROXY) GOSUMDB=$(go env GOSUMDB)
WORKDIR /go
EOF
	DOCKER_BUILDKIT=1 "$DOCKER" build -q -t "$golang" -t "golang:$GOVERSION-$SUITE" "$work/golang" >/dev/null
	log "built $golang and golang:$GOVERSION-$SUITE"
fi

static=gcr.io/distroless/static-debian13:nonroot
if ! have "$static"; then
	nonroot_files "$work/static" "$(rootfs)"
	import_dir "$work/static" "$static" --change 'USER 65532' --change 'WORKDIR /home/nonroot' \
		--change 'ENV PATH=/usr/local/bin:/usr/bin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'
fi

base=gcr.io/distroless/base-debian13:nonroot
if ! have "$base"; then
	src=$(rootfs)
	nonroot_files "$work/base" "$src"
	mkdir -p "$work/base/usr/lib/x86_64-linux-gnu" "$work/base/usr/lib64"
	for lib in libc.so.6 libm.so.6 libresolv.so.2 libnss_dns.so.2 libnss_files.so.2 libpthread.so.0 libdl.so.2 librt.so.1 libgcc_s.so.1; do
		[ -e "$src/usr/lib/x86_64-linux-gnu/$lib" ] && cp -L "$src/usr/lib/x86_64-linux-gnu/$lib" "$work/base/usr/lib/x86_64-linux-gnu/"
	done
	cp -L "$src/usr/lib64/ld-linux-x86-64.so.2" "$work/base/usr/lib64/"
	ln -s usr/lib "$work/base/lib"
	ln -s usr/lib64 "$work/base/lib64"
	import_dir "$work/base" "$base" --change 'USER 65532' --change 'WORKDIR /home/nonroot' \
		--change 'ENV PATH=/usr/local/bin:/usr/bin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'
fi
