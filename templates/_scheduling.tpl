{% if values.nodeSelector %}
      nodeSelector: {{ values.nodeSelector }}
{% endif %}
{% if values.tolerations %}
      tolerations: {{ values.tolerations }}
{% endif %}
{% if values.affinity %}
      affinity: {{ values.affinity }}
{% endif %}
