#!/usr/bin/env bash
# Regenerates everything derived from proto/: Go messages and gRPC stubs next
# to each .proto file, grpc-gateway handlers for every service that has a
# *_http.yaml of REST bindings beside it, the OpenAPI 3 document the
# gateway serves (gateway/openapi/openapi.json), and the Go client that
# oapi-codegen makes of that document (cmd/meedoen/internal/apiclient), which
# the contract tests compile and drive against the server.
#
#   scripts/gen.sh          regenerate in place (make gen)
#   scripts/gen.sh --check  regenerate into a scratch directory and fail if
#                           the committed files differ, are missing or extra
#
# The code generators are pinned in tools/go.mod; protoc comes from the
# system (Debian: protobuf-compiler). Nothing else is downloaded.
set -euo pipefail

usage() { echo "usage: scripts/gen.sh [--check]" >&2; }

check=false
case $# in
0) ;;
1) [[ $1 == --check ]] || { usage; exit 2; }; check=true ;;
*) usage; exit 2 ;;
esac

cd "$(dirname "$0")/.."

if ! command -v protoc >/dev/null; then
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		echo "gen: installing protoc (protobuf-compiler)" >&2
		if ! apt-get install -y -q protobuf-compiler >/dev/null; then
			apt-get update -q >/dev/null
			apt-get install -y -q protobuf-compiler >/dev/null
		fi
		command -v protoc >/dev/null || { echo "gen: protoc still missing after installing protobuf-compiler" >&2; exit 1; }
	else
		echo "gen: protoc not found; install it, e.g. 'sudo apt-get install protobuf-compiler'" >&2
		exit 1
	fi
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
bin=$scratch/bin
out=$scratch/out
client=cmd/meedoen/internal/apiclient/apiclient.gen.go
mkdir -p "$bin" "$out/proto" "$out/gateway/openapi" "$out/$(dirname "$client")" "$scratch/swagger"

(cd tools && go build -o "$bin/" \
	google.golang.org/protobuf/cmd/protoc-gen-go \
	google.golang.org/grpc/cmd/protoc-gen-go-grpc \
	github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-grpc-gateway \
	github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2 \
	github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen)

plugins=(
	--plugin=protoc-gen-go="$bin/protoc-gen-go"
	--plugin=protoc-gen-go-grpc="$bin/protoc-gen-go-grpc"
	--plugin=protoc-gen-grpc-gateway="$bin/protoc-gen-grpc-gateway"
	--plugin=protoc-gen-openapiv2="$bin/protoc-gen-openapiv2"
)

# Paths relative to proto/, which is the only import root besides the
# well-known types that ship with protoc.
protos=() rules=()
while IFS= read -r f; do protos+=("$f"); done < <(cd proto && find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)
while IFS= read -r f; do rules+=("$f"); done < <(cd proto && find . -name '*_http.yaml' | sed 's|^\./||' | LC_ALL=C sort)
((${#protos[@]})) || { echo "gen: no .proto files under proto/" >&2; exit 1; }

protoc -I proto "${plugins[@]}" \
	--go_out="$out/proto" --go_opt=paths=source_relative \
	--go-grpc_out="$out/proto" --go-grpc_opt=paths=source_relative \
	"${protos[@]}"

# protoc-gen-grpc-gateway and protoc-gen-openapiv2 each take one rules file,
# so the gateway runs once per service directory, and the OpenAPI generator
# runs once over all services with the rules merged.
api=()
for r in "${rules[@]}"; do
	dir=$(dirname "$r")
	svc=()
	while IFS= read -r f; do svc+=("$f"); done < <(cd proto && find "$dir" -maxdepth 1 -name '*.proto' | LC_ALL=C sort)
	((${#svc[@]})) || { echo "gen: $r has no .proto file beside it" >&2; exit 1; }
	protoc -I proto "${plugins[@]}" \
		--grpc-gateway_out="$out/proto" \
		--grpc-gateway_opt=paths=source_relative,generate_unbound_methods=false,grpc_api_configuration="proto/$r" \
		"${svc[@]}"
	api+=("${svc[@]}")
done

if ((${#api[@]})); then
	go run ./scripts/openapi rules -o "$scratch/http.yaml" "${rules[@]/#/proto/}"
	protoc -I proto "${plugins[@]}" \
		--openapiv2_out="$scratch/swagger" \
		--openapiv2_opt=allow_merge=true,merge_file_name=meedoen,openapi_naming_strategy=simple,simple_operation_ids=true,generate_unbound_methods=false,omit_enum_default_value=true,use_allof_for_refs=true,grpc_api_configuration="$scratch/http.yaml",openapi_configuration=proto/openapi.yaml \
		"${api[@]}"
	go run ./scripts/openapi convert -o "$out/gateway/openapi/openapi.json" -examples proto/examples.yaml "$scratch/swagger/meedoen.swagger.json"
	"$bin/oapi-codegen" -generate types,client -package apiclient -o "$out/$client" "$out/gateway/openapi/openapi.json"
fi

# generated lists the generated files under a root, relative to it.
generated() {
	(cd "$1" && {
		find proto -type f \( -name '*.pb.go' -o -name '*.pb.gw.go' \)
		[[ ! -e gateway/openapi/openapi.json ]] || echo gateway/openapi/openapi.json
		[[ ! -e $client ]] || echo "$client"
	} | LC_ALL=C sort)
}

if $check; then
	stale=0
	while IFS= read -r f; do
		if [[ ! -e $f ]]; then
			echo "gen: missing $f" >&2
			stale=1
		elif [[ ! -e $out/$f ]]; then
			echo "gen: extra $f (no source generates it)" >&2
			stale=1
		# The protoc version in the header of .pb.go files depends on the
		# machine, not on the sources.
		elif ! diff -q -I '^//[[:space:]]*protoc[[:space:]]' "$f" "$out/$f" >/dev/null; then
			echo "gen: stale $f:" >&2
			diff -u -I '^//[[:space:]]*protoc[[:space:]]' "$f" "$out/$f" | head -n 20 >&2 || true
			stale=1
		fi
	done < <(cat <(generated .) <(generated "$out") | LC_ALL=C sort -u)
	if ((stale)); then
		echo "gen: generated files are out of date; run 'make gen'" >&2
		exit 1
	fi
	echo "gen: generated files are up to date"
	exit 0
fi

generated . | while IFS= read -r f; do
	[[ -e $out/$f ]] || rm -v -- "$f"
done
generated "$out" | while IFS= read -r f; do
	if ! cmp -s "$out/$f" "$f"; then
		mkdir -p "$(dirname "$f")"
		cp -- "$out/$f" "$f"
		echo "gen: wrote $f"
	fi
done
