package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// followRollout reads ROLLOUT_EVENTS through a durable consumer, as docs/events.md recommends,
// until the first rollout it saw start has ended (a terminal event).
func followRollout(ctx context.Context, js jetstream.JetStream, o options, check *checker) error {
	config := jetstream.ConsumerConfig{
		Durable:       o.durable,
		FilterSubject: "rollout.events.>",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       30 * time.Second,
		MaxDeliver:    5,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
	if o.fromSequence > 0 {
		config.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		config.OptStartSeq = o.fromSequence
	}
	consumer, err := js.CreateOrUpdateConsumer(ctx, "ROLLOUT_EVENTS", config)
	if err != nil {
		return fmt.Errorf("durable consumer on ROLLOUT_EVENTS: %w", err)
	}
	for {
		batch, err := consumer.Fetch(100, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return fmt.Errorf("fetch from ROLLOUT_EVENTS: %w", err)
		}
		for msg := range batch.Messages() {
			check.message("rollout", msg)
			// Acknowledged once handled: an unacknowledged one comes again after AckWait.
			if err := msg.Ack(); err != nil {
				return fmt.Errorf("ack: %w", err)
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return fmt.Errorf("fetch from ROLLOUT_EVENTS: %w", err)
		}
		if check.summary.followedEnded() {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("no rollout started and ended within the timeout (%d events read)", check.summary.Validated["rollout"])
		}
	}
}

// readStream reads a whole stream as it is now with an ordered consumer (no state on the server).
func readStream(ctx context.Context, js jetstream.JetStream, name string, check *checker) error {
	stream, err := js.Stream(ctx, name)
	if err != nil {
		return fmt.Errorf("stream %s: %w", name, err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("stream %s: %w", name, err)
	}
	last := info.State.LastSeq
	if info.State.Msgs == 0 {
		return nil
	}
	consumer, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return fmt.Errorf("ordered consumer on %s: %w", name, err)
	}
	family := map[string]string{"FLEET_EVENTS": "fleet", "AUDIT": "audit"}[name]
	for {
		batch, err := consumer.Fetch(500, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return fmt.Errorf("fetch from %s: %w", name, err)
		}
		for msg := range batch.Messages() {
			check.message(family, msg)
			meta, err := msg.Metadata()
			if err == nil && meta.Sequence.Stream >= last {
				return nil
			}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s not read to sequence %d within the timeout", name, last)
		}
	}
}
