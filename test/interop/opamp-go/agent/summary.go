package main

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/open-telemetry/opamp-go/protobufs"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// decodeWSPayload strips the OpAMP WebSocket header (a varint, always 0 today) when present and
// returns the protobuf bytes. A frame whose first byte is not 0 is a pre-header legacy frame.
func decodeWSPayload(frame []byte) ([]byte, error) {
	if len(frame) == 0 || frame[0] != 0 {
		return frame, nil
	}
	header, n := binary.Uvarint(frame)
	if n <= 0 || header != 0 {
		return nil, errors.New("bad OpAMP WebSocket header")
	}
	return frame[n:], nil
}

// presentFields lists the populated top-level fields of a message by their proto names, sorted.
// With status compression this is exactly what a test needs to see: which parts were omitted.
func presentFields(m proto.Message) []string {
	fields := []string{}
	m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		fields = append(fields, string(fd.Name()))
		return true
	})
	sort.Strings(fields)
	return fields
}

func uidText(b []byte) string {
	if len(b) == 16 {
		return uuid.UUID(b).String()
	}
	return hex.EncodeToString(b)
}

// summariseAgentToServer describes one message the client sent, as seen on the wire.
func summariseAgentToServer(body []byte) Event {
	msg := &protobufs.AgentToServer{}
	if err := proto.Unmarshal(body, msg); err != nil {
		return Event{"decode_error": err.Error(), "bytes": len(body)}
	}
	ev := Event{
		"uid":          uidText(msg.InstanceUid),
		"seq":          msg.SequenceNum,
		"capabilities": msg.Capabilities,
		"flags":        msg.Flags,
		"fields":       presentFields(msg),
		"bytes":        len(body),
	}
	if rcs := msg.RemoteConfigStatus; rcs != nil {
		ev["remote_config_status"] = Event{
			"hash":          hex.EncodeToString(rcs.LastRemoteConfigHash),
			"status":        statusName(rcs.Status),
			"error_message": rcs.ErrorMessage,
		}
	}
	if h := msg.Health; h != nil {
		ev["health"] = Event{"healthy": h.Healthy, "last_error": h.LastError}
	}
	return ev
}

// summariseServerToAgent describes one message the server sent, as seen on the wire.
func summariseServerToAgent(body []byte) Event {
	msg := &protobufs.ServerToAgent{}
	if err := proto.Unmarshal(body, msg); err != nil {
		return Event{"decode_error": err.Error(), "bytes": len(body)}
	}
	ev := Event{
		"uid":          uidText(msg.InstanceUid),
		"capabilities": msg.Capabilities,
		"flags":        msg.Flags,
		"fields":       presentFields(msg),
		"bytes":        len(body),
	}
	if rc := msg.RemoteConfig; rc != nil {
		ev["remote_config_hash"] = hex.EncodeToString(rc.ConfigHash)
	}
	if id := msg.AgentIdentification; id != nil {
		ev["new_instance_uid"] = uidText(id.NewInstanceUid)
	}
	if er := msg.ErrorResponse; er != nil {
		ev["error_response"] = Event{"type": strings.TrimPrefix(er.Type.String(), "ServerErrorResponseType_"), "message": er.ErrorMessage}
	}
	return ev
}
