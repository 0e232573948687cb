package main

import (
	"fmt"
	"math"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// maxOccurrences bounds recursion: a message type appears at most this often on one path
// from the root (ComponentHealth in ComponentHealth, AnyValue in ArrayValue in AnyValue).
const maxOccurrences = 2

// anyValueVariants is the number of elements of a repeated KeyValue or AnyValue field, so
// that every AnyValue choice (7) and the empty AnyValue appear side by side.
const anyValueVariants = 8

// fill returns a message of the official generated type with every field set. variant
// picks the oneof choice (variant == number of choices: none) and varies the values.
func fill(md protoreflect.MessageDescriptor, variant int, path map[protoreflect.FullName]int) protoreflect.Message {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
	if err != nil {
		fail(err)
	}
	message := mt.New()
	path[md.FullName()]++
	defer func() { path[md.FullName()]-- }()

	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if oneof := fd.ContainingOneof(); oneof != nil && !oneof.IsSynthetic() {
			choices := oneof.Fields()
			if variant%(choices.Len()+1) >= choices.Len() || choices.Get(variant%(choices.Len()+1)) != fd {
				continue
			}
		}
		setField(message, fd, variant, path)
	}
	return message
}

func setField(message protoreflect.Message, fd protoreflect.FieldDescriptor, variant int, path map[protoreflect.FullName]int) {
	switch {
	case fd.IsMap():
		if !allowed(fd.MapValue(), path) {
			return
		}
		key := protoreflect.ValueOfString(fmt.Sprintf("key-%d-é", fd.Number())).MapKey()
		message.Mutable(fd).Map().Set(key, value(fd.MapValue(), variant, path))
	case fd.IsList():
		if !allowed(fd, path) {
			return
		}
		list := message.Mutable(fd).List()
		for element := 0; element < listLength(fd); element++ {
			list.Append(value(fd, element, path))
		}
	default:
		if !allowed(fd, path) {
			return
		}
		message.Set(fd, value(fd, variant, path))
	}
}

func allowed(fd protoreflect.FieldDescriptor, path map[protoreflect.FullName]int) bool {
	return fd.Message() == nil || path[fd.Message().FullName()] < maxOccurrences
}

func listLength(fd protoreflect.FieldDescriptor) int {
	if fd.Message() != nil && (fd.Message().Name() == "KeyValue" || fd.Message().Name() == "AnyValue") {
		return anyValueVariants
	}
	return 2
}

// value is a non-default value of the field's type; n varies it.
func value(fd protoreflect.FieldDescriptor, n int, path map[protoreflect.FullName]int) protoreflect.Value {
	number := uint64(fd.Number())
	switch fd.Kind() {
	case protoreflect.MessageKind:
		return protoreflect.ValueOfMessage(fill(fd.Message(), n, path))
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(true)
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(fmt.Sprintf("%s-%d-é✓", fd.Name(), n))
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte{byte(number), 0x00, 0xff, 0x80, byte(n)})
	case protoreflect.Int64Kind:
		return protoreflect.ValueOfInt64(math.MinInt64/2 - int64(number*10) - int64(n))
	case protoreflect.Uint64Kind:
		return protoreflect.ValueOfUint64(1<<63 + number*10 + uint64(n))
	case protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(math.MaxUint64 - number*10 - uint64(n))
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(float64(number) + 0.25 + float64(n))
	case protoreflect.EnumKind:
		// A non-zero value where the enum has one (CommandType has only its default).
		values := fd.Enum().Values()
		if values.Len() == 1 {
			return protoreflect.ValueOfEnum(values.Get(0).Number())
		}
		return protoreflect.ValueOfEnum(values.Get(1 + n%(values.Len()-1)).Number())
	default:
		fail(fmt.Errorf("%s: kind %s not handled", fd.FullName(), fd.Kind()))
		return protoreflect.Value{}
	}
}
