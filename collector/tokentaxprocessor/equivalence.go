package tokentaxprocessor

// Which model stands in for the actual one in each scenario, as src/pricing/equivalence.ts:
//  0. the scenario names a fixed model -> that model;
//  1. equivalence.models maps the actual model (id or canonical id) to a class -> rule 3 with that
//     class; or to a canonical id -> that model where the scenario's provider offers it;
//  2. the scenario's provider offers the same canonical model -> that one, if the model is
//     open-weight or the provider is its home (its own id is the canonical id);
//  3. the first canonical id of the class's candidates the provider offers; the class is the
//     model's own, else the operation's, else frontier_chat.
// Everything is resolved when the data loads; per span it is one map read.

// resolveStandIns fills every entry's standIns: under "" when the class does not depend on the
// operation, else under each class an operation can lead to.
func (p *pricing) resolveStandIns() {
	opClasses := map[string]bool{defaultClass: true}
	for _, c := range p.operationClasses {
		opClasses[c] = true
	}
	for c := range p.classes {
		opClasses[c] = true
	}
	for _, e := range p.index.all {
		e.standIns = map[string][]*modelEntry{}
		cls, fixedClass := p.classOf(e)
		if fixedClass {
			e.standIns[""] = p.standInsFor(e, cls)
			continue
		}
		for c := range opClasses {
			e.standIns[c] = p.standInsFor(e, c)
		}
	}
}

// classOf: the model's class (its own or the one equivalence.models maps it to), and whether it has one.
func (p *pricing) classOf(e *modelEntry) (string, bool) {
	if mapped, ok := p.mapped(e); ok {
		if _, isClass := p.classes[mapped]; isClass {
			return mapped, true
		}
	}
	return e.class, e.class != ""
}

func (p *pricing) mapped(e *modelEntry) (string, bool) {
	if m, ok := p.modelEquivalence[lower(e.id)]; ok {
		return m, true
	}
	if e.canonical != "" {
		m, ok := p.modelEquivalence[e.canonical]
		return m, ok
	}
	return "", false
}

func (p *pricing) standInsFor(e *modelEntry, cls string) []*modelEntry {
	out := make([]*modelEntry, len(p.scenarios))
	for i, s := range p.scenarios {
		out[i] = p.forScenario(e, cls, s, i)
	}
	return out
}

func (p *pricing) forScenario(e *modelEntry, cls string, s scenarioData, i int) *modelEntry {
	if s.Model != "" {
		return p.fixed[i]
	}
	mapped, isMapped := p.mapped(e)
	if _, isClass := p.classes[mapped]; !(isMapped && isClass) {
		// A mapped model this provider does not offer falls through to the usual rules.
		if isMapped {
			if t := p.index.byCanonical(s.Provider, mapped); t != nil {
				return t
			}
		}
		// Same model elsewhere: any provider for open weights; a closed model only at its home.
		if e.canonical != "" {
			if same := p.index.byCanonical(s.Provider, e.canonical); same != nil &&
				(e.openWeight || lower(same.id) == e.canonical) {
				return same
			}
		}
	}
	for _, candidate := range p.classes[cls] {
		if found := p.index.byCanonical(s.Provider, candidate); found != nil {
			return found
		}
	}
	return nil
}

// standInsAt: the stand-ins for a model and the span's operation.
func (p *pricing) standInsAt(e *modelEntry, operation string, hasOperation bool) []*modelEntry {
	if s, ok := e.standIns[""]; ok {
		return s
	}
	cls := ""
	if hasOperation {
		cls = p.operationClasses[operation]
	}
	if cls == "" {
		cls = defaultClass
	}
	if s, ok := e.standIns[cls]; ok {
		return s
	}
	return p.standInsFor(e, cls) // a class no operation maps to: not reachable with validated data
}
