"""Resources catalogue: uniforms, equipment and partner services that owners order."""
