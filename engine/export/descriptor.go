package export

import (
	"encoding/json"
	"strconv"
)

// Profiles of Data Package v2 (https://datapackage.org/standard/).
const (
	ProfilePackage  = "https://datapackage.org/profiles/2.0/datapackage.json"
	ProfileResource = "https://datapackage.org/profiles/2.0/dataresource.json"
	ProfileSchema   = "https://datapackage.org/profiles/2.0/tableschema.json"
	ProfileDialect  = "https://datapackage.org/profiles/2.0/tabledialect.json"
)

// descriptor is datapackage.json.
type descriptor struct {
	Schema       string        `json:"$schema"`
	Name         string        `json:"name"`
	Title        string        `json:"title,omitempty"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Created      string        `json:"created"`
	Keywords     []string      `json:"keywords"`
	Contributors []contributor `json:"contributors"`
	Resources    []resource    `json:"resources"`
}

type contributor struct {
	Title string   `json:"title"`
	Roles []string `json:"roles"`
}

type resource struct {
	Schema      string       `json:"$schema"`
	Name        string       `json:"name"`
	Type        string       `json:"type"`
	Path        string       `json:"path"`
	Title       string       `json:"title"`
	Description string       `json:"description"`
	Format      string       `json:"format"`
	Mediatype   string       `json:"mediatype"`
	Encoding    string       `json:"encoding"`
	Bytes       int64        `json:"bytes"`
	Dialect     dialect      `json:"dialect"`
	TableSchema *tableSchema `json:"schema"`
}

type dialect struct {
	Schema    string `json:"$schema"`
	Header    bool   `json:"header"`
	Delimiter string `json:"delimiter"`
	QuoteChar string `json:"quoteChar"`
	LineTerm  string `json:"lineTerminator"`
}

type tableSchema struct {
	Schema        string         `json:"$schema"`
	Fields        []schemaField  `json:"fields"`
	MissingValues []missingValue `json:"missingValues"`
	PrimaryKey    []string       `json:"primaryKey,omitempty"`
	ForeignKeys   []foreignKey   `json:"foreignKeys,omitempty"`
}

type missingValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

type foreignKey struct {
	Fields    []string  `json:"fields"`
	Reference reference `json:"reference"`
}

type reference struct {
	Resource string   `json:"resource,omitempty"`
	Fields   []string `json:"fields"`
}

type schemaField struct {
	Name              string            `json:"name"`
	Type              string            `json:"type"`
	Title             string            `json:"title,omitempty"`
	Description       string            `json:"description,omitempty"`
	Format            string            `json:"format,omitempty"`
	Categories        []json.RawMessage `json:"categories,omitempty"`
	CategoriesOrdered bool              `json:"categoriesOrdered,omitempty"`
	Constraints       *constraints      `json:"constraints,omitempty"`
}

type constraints struct {
	Required bool             `json:"required,omitempty"`
	Unique   bool             `json:"unique,omitempty"`
	Minimum  *json.RawMessage `json:"minimum,omitempty"`
	Maximum  *json.RawMessage `json:"maximum,omitempty"`
}

// missingLabel explains the one missing-value code, the empty cell.
const missingLabel = "missing: not applicable, undefined, suppressed (see the row's suppressed column) or withheld (see the *_status columns); the codebook says which for each column"

// schemaOf turns a table description into its Table Schema.
func schemaOf(t *Table) *tableSchema {
	s := &tableSchema{Schema: ProfileSchema, PrimaryKey: t.PrimaryKey,
		MissingValues: []missingValue{{Value: "", Label: missingLabel}}}
	for _, f := range t.Fields {
		sf := schemaField{Name: f.Name, Type: f.Type, Title: f.Title, Description: f.Description, CategoriesOrdered: f.CategoriesOrdered}
		if f.Missing != "" {
			sf.Description += " " + f.Missing
		}
		if f.Type == TypeDatetime {
			sf.Format = "default"
		}
		for _, c := range f.Categories {
			var value any = c.Value
			if f.Type == TypeInteger {
				n, err := strconv.Atoi(c.Value)
				if err != nil {
					panic("export: integer category " + c.Value + " of " + f.Name)
				}
				value = n
			}
			raw, _ := json.Marshal(struct {
				Value any    `json:"value"`
				Label string `json:"label"`
			}{value, c.Label})
			sf.Categories = append(sf.Categories, raw)
		}
		if f.Required || f.Unique || f.Minimum != nil || f.Maximum != nil {
			c := &constraints{Required: f.Required, Unique: f.Unique}
			c.Minimum, c.Maximum = limit(f.Type, f.Minimum), limit(f.Type, f.Maximum)
			sf.Constraints = c
		}
		s.Fields = append(s.Fields, sf)
	}
	for _, fk := range t.ForeignKeys {
		ref := reference{Resource: fk.Resource, Fields: fk.RefFields}
		if fk.Resource == t.Name {
			ref.Resource = "" // a reference within the table
		}
		s.ForeignKeys = append(s.ForeignKeys, foreignKey{Fields: fk.Fields, Reference: ref})
	}
	return s
}

// limit writes a bound as the column's type requires: an integer for
// integer columns.
func limit(typ string, v *float64) *json.RawMessage {
	if v == nil {
		return nil
	}
	var raw json.RawMessage
	if typ == TypeInteger {
		raw = json.RawMessage(strconv.FormatInt(int64(*v), 10))
	} else {
		raw = json.RawMessage(strconv.FormatFloat(*v, 'f', -1, 64))
	}
	return &raw
}

func (x *writer) descriptor() error {
	m := x.p.Meta
	d := descriptor{Schema: ProfilePackage, Name: m.Name, Title: m.Title, Version: "1.0.0", Created: datetime(m.Created),
		Description: "An Allvoice evaluator export: pseudonymised, tidy CSV tables of one co-design group's rounds, proposals, " +
			"rating events, decisions and the consensus rule's results, with a Polis-compatible view. codebook.md describes every " +
			"variable; allvoice.sps reads the tables into SPSS or GNU PSPP.",
		Keywords:     []string{"co-design", "deliberation", "consensus", "Delphi", "Allvoice"},
		Contributors: []contributor{{Title: "Allvoice (generated export)", Roles: []string{"creator"}}},
	}
	if m.Imported != "" {
		d.Description += " The group was imported from " + m.Imported + "."
	}
	for _, wt := range x.written {
		d.Resources = append(d.Resources, resource{Schema: ProfileResource, Name: wt.Name, Type: "table", Path: wt.Path,
			Title: wt.Title, Description: wt.Description, Format: "csv", Mediatype: "text/csv", Encoding: "utf-8", Bytes: wt.bytes,
			Dialect:     dialect{Schema: ProfileDialect, Header: true, Delimiter: ",", QuoteChar: "\"", LineTerm: "\n"},
			TableSchema: schemaOf(&wt.Table)})
	}
	return x.json(PathDescriptor, d)
}
