package main

import (
	"bytes"
	"sync"

	"github.com/open-telemetry/opamp-go/protobufs"
	"github.com/open-telemetry/opamp-go/server/types"
)

// agent is what the server keeps of one agent, as opamp-go's example server keeps it: the last
// full status (description, health, effective config, remote config status), the last sequence
// number, the connection, and the remote config it should have.
type agent struct {
	mu           sync.Mutex
	uid          string
	conn         types.Connection
	description  *protobufs.AgentDescription
	health       *protobufs.ComponentHealth
	effective    *protobufs.EffectiveConfig
	remoteStatus *protobufs.RemoteConfigStatus
	capabilities uint64
	lastSeq      uint64
	remoteConfig *protobufs.AgentRemoteConfig
}

// agents is the server's table of agents, by instance uid and by connection.
type agents struct {
	mu     sync.RWMutex
	byUID  map[string]*agent
	byConn map[types.Connection]*agent
}

func newAgents() *agents {
	return &agents{byUID: map[string]*agent{}, byConn: map[types.Connection]*agent{}}
}

// forMessage finds or creates the agent a message comes from.
func (a *agents) forMessage(conn types.Connection, uid []byte) (*agent, bool) {
	key := string(uid)
	a.mu.RLock()
	found := a.byUID[key]
	a.mu.RUnlock()
	if found != nil {
		return found, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if found = a.byUID[key]; found != nil {
		return found, false
	}
	found = &agent{uid: key, conn: conn}
	a.byUID[key] = found
	a.byConn[conn] = found
	return found, true
}

// remove forgets the agent of a closed connection.
func (a *agents) remove(conn types.Connection) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if found := a.byConn[conn]; found != nil {
		delete(a.byUID, found.uid)
		delete(a.byConn, conn)
	}
}

func (a *agents) count() int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return len(a.byUID)
}

func (a *agents) all() []*agent {
	a.mu.RLock()
	defer a.mu.RUnlock()
	list := make([]*agent, 0, len(a.byUID))
	for _, found := range a.byUID {
		list = append(list, found)
	}
	return list
}

// update merges a status report into the agent's state and fills the response: full state is
// asked for when the report is not the next in sequence or the first one lacks the description;
// a remote config the agent has not applied yet is offered again. Reports whether the message
// says the agent applied the config it was given.
func (g *agent) update(msg *protobufs.AgentToServer, response *protobufs.ServerToAgent) (applied bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	first := g.description == nil
	if msg.AgentDescription != nil {
		g.description = msg.AgentDescription
	}
	if msg.Health != nil {
		g.health = msg.Health
	}
	if msg.EffectiveConfig != nil {
		g.effective = msg.EffectiveConfig
	}
	g.capabilities = msg.Capabilities
	gap := !first && msg.SequenceNum != g.lastSeq+1
	g.lastSeq = msg.SequenceNum
	if (first && msg.AgentDescription == nil) || (gap && msg.AgentDescription == nil) {
		response.Flags |= uint64(protobufs.ServerToAgentFlags_ServerToAgentFlags_ReportFullState)
	}
	if msg.RemoteConfigStatus != nil {
		wasApplied := g.appliedLocked()
		g.remoteStatus = msg.RemoteConfigStatus
		applied = !wasApplied && g.appliedLocked()
	}
	if msg.RemoteConfigStatus != nil && g.remoteConfig != nil && !g.appliedLocked() {
		response.RemoteConfig = g.remoteConfig // the agent reports another config than it should have
	}
	return applied
}

func (g *agent) appliedLocked() bool {
	return g.remoteConfig != nil && g.remoteStatus != nil &&
		g.remoteStatus.Status == protobufs.RemoteConfigStatuses_RemoteConfigStatuses_APPLIED &&
		bytes.Equal(g.remoteStatus.LastRemoteConfigHash, g.remoteConfig.ConfigHash)
}

// offer sets the agent's remote config; the caller sends it.
func (g *agent) offer(config *protobufs.AgentRemoteConfig) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.remoteConfig = config
}
