package validator

import (
	"fmt"
	"regexp"
	"strconv"
)

// An IDMEF path (draft section 3.3.12): an optional class reference, an attribute name and
// an optional list index. The grammar puts the index after the attribute only, while the
// draft's own example indexes the class (Source(0).IP); both are accepted. Attribute names
// may carry the ext- prefix, which 1*ALPHA cannot spell but the model defines.
var idmefPath = regexp.MustCompile(`^(?:([A-Za-z]+)(?:\((-?[0-9]+)\))?\.)?([A-Za-z][A-Za-z-]*)(?:\((-?[0-9]+)\))?$`)

// checkPath judges one IDMEF path against the revision's model and returns what is wrong,
// or "" when the path is valid.
func (c *checker) checkPath(p string) string {
	m := idmefPath.FindStringSubmatch(p)
	if m == nil {
		return "does not follow the IDMEF path grammar ([Class[(index)].]Attribute[(index)], e.g. Source.IP or Source(0).IP)"
	}
	className, classIdx, attr, attrIdx := m[1], m[2], m[3], m[4]
	cls := c.rev.Alert
	if className != "" {
		f, ok := c.rev.Alert.Field(className)
		if !ok || f.Class == nil {
			return fmt.Sprintf("names the class %s, which %s does not have (classes: %s)", quote(className), c.rev.Version, c.classNames())
		}
		if classIdx != "" && !f.List {
			return fmt.Sprintf("indexes %s, but an alert has exactly one %s", className, className)
		}
		cls = f.Class
	}
	f, ok := cls.Field(attr)
	switch {
	case !ok:
		owner := "the Alert class"
		if className != "" {
			owner = "the " + className + " class"
		}
		return fmt.Sprintf("names %s, which is not an attribute of %s in %s", quote(attr), owner, c.rev.Version)
	case f.Class != nil:
		return fmt.Sprintf("names %s, which is a class, not an attribute; name one of its attributes, e.g. %s.%s", attr, attr, f.Class.Fields[0].Name)
	case attrIdx != "" && !f.List:
		return fmt.Sprintf("indexes %s, which is not a list", f.Path())
	}
	return ""
}

func (c *checker) classNames() string {
	s := ""
	for _, f := range c.rev.Alert.Fields {
		if f.Class == nil {
			continue
		}
		if s != "" {
			s += ", "
		}
		s += f.Name
	}
	return s
}

func (c *checker) checkAggregation(obj val) {
	list := obj.member("AggrCondition")
	if list.kind() != '[' {
		return
	}
	for it := list.items(); it.next(); {
		i := it.i
		p, ok := it.v.str()
		if !ok {
			continue
		}
		if problem := c.checkPath(p); problem != "" {
			c.add(RuleAggrPath, nil, "/AggrCondition/"+strconv.Itoa(i), "AggrCondition[%d] %s %s", i, quote(p), problem)
		}
	}
	if list.length() == 0 {
		return
	}
	if !obj.has("StartTime") || !obj.has("EndTime") {
		c.add(RuleAggrWindow, nil, "/AggrCondition", "the alert aggregates events (AggrCondition) but does not give the window in both StartTime and EndTime")
	}
}
