package livecache

import (
	"testing"

	"github.com/crmkit/crmkit/funnel"
	"github.com/stretchr/testify/assert"
)

func TestCache(t *testing.T) {
	var c Cache
	v, s := c.Get("acme")
	assert.Equal(t, int64(None), v)
	assert.Nil(t, s)
	sum := new(funnel.LiveSummary)
	c.Put("acme", 7, sum)
	v, s = c.Get("acme")
	assert.Equal(t, int64(7), v)
	assert.Same(t, sum, s)
	v, _ = c.Get("globex")
	assert.Equal(t, int64(None), v, "per tenant")
	c.Reset()
	v, s = c.Get("acme")
	assert.Equal(t, int64(None), v)
	assert.Nil(t, s)
}
