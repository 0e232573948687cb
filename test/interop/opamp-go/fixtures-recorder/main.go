// Command fixtures-recorder writes binary OpAMP messages encoded by the official opamp-go
// protobufs (v0.23.0, generated from spec v0.16.0), so Roost's wire-compatibility test can
// check its own generated code against them byte for byte.
//
// Every message type of opamp.proto and anyvalue.proto is filled generically through
// protobuf reflection: every field set to a non-default value (large varints, negative
// int64, fixed64 near 2^64, multi-byte UTF-8), repeated fields with several elements,
// maps with one entry (so no ordering question arises), recursive types two levels deep.
// Messages with a oneof get one fixture per choice plus one with none.
//
// Run once with `go run .` from this directory; the output is committed. It writes
// <message>[.<choice>].bin (the binary encoding), .json (protojson, to compare values by
// name) and manifest.json (the list of fixtures) into test/interop/fixtures/opamp-go.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/open-telemetry/opamp-go/protobufs"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

const outDir = "../../fixtures/opamp-go"

// Fixture is one entry of manifest.json.
type Fixture struct {
	File    string `json:"file"`
	Message string `json:"message"`
	Choice  string `json:"choice,omitempty"`
}

func main() {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		fail(err)
	}
	var fixtures []Fixture
	for _, file := range []protoreflect.FileDescriptor{protobufs.File_anyvalue_proto, protobufs.File_opamp_proto} {
		messages := file.Messages()
		for i := 0; i < messages.Len(); i++ {
			fixtures = append(fixtures, record(messages.Get(i))...)
		}
	}
	manifest, err := json.MarshalIndent(fixtures, "", "  ")
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(outDir, "manifest.json"), append(manifest, '\n'), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("wrote %d fixtures to %s\n", len(fixtures), outDir)
}

// record writes the fixtures of one message type: one per oneof choice (and one with the
// oneof unset) when the message has a oneof, else one.
func record(md protoreflect.MessageDescriptor) []Fixture {
	name := string(md.Name())
	oneofs := md.Oneofs()
	if oneofs.Len() == 0 {
		return []Fixture{write(name, "", fill(md, 0, map[protoreflect.FullName]int{}))}
	}
	choices := oneofs.Get(0).Fields()
	var fixtures []Fixture
	for variant := 0; variant <= choices.Len(); variant++ {
		choice := "none"
		if variant < choices.Len() {
			choice = string(choices.Get(variant).Name())
		}
		fixtures = append(fixtures, write(name+"."+choice, choice, fill(md, variant, map[protoreflect.FullName]int{})))
	}
	return fixtures
}

func write(file, choice string, message protoreflect.Message) Fixture {
	bytes, err := proto.MarshalOptions{Deterministic: true}.Marshal(message.Interface())
	if err != nil {
		fail(err)
	}
	text, err := protojson.Marshal(message.Interface())
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(outDir, file+".bin"), bytes, 0o644); err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(outDir, file+".json"), append(text, '\n'), 0o644); err != nil {
		fail(err)
	}
	return Fixture{File: file, Message: string(message.Descriptor().Name()), Choice: choice}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fixtures-recorder:", err)
	os.Exit(1)
}
